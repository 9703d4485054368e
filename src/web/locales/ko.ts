import { type Catalog, en } from './en.ts';

export const ko: Catalog = { ...en };
