// Derivation versions across DNS nodes on the embedded store (each node its own connection).
import { defineDerivationSuite } from './derivation-suite.ts';
import { embeddedRegistry } from './helpers/registry.ts';

defineDerivationSuite('embedded store', embeddedRegistry);
