// The end-to-end matrix on the embedded store.
import { embeddedRegistry } from '../dns/helpers/registry.ts';
import { defineMatrixSuite } from './matrix-suite.ts';

defineMatrixSuite('embedded store', embeddedRegistry);
