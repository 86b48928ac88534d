import { describeReceiptSemantics } from './support/semantics/index.js';
import { vonageJson, vonageQuery } from './support/vonage-tables.js';

describeReceiptSemantics(vonageJson);
describeReceiptSemantics(vonageQuery);
