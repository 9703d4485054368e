// The registry service kernel: one principal, one error with one code set, one input parser,
// one pager and cursor, and the field rules the services share (docs/registry.md, "Services").
export * from './errors.ts';
export * from './fields.ts';
export * from './input.ts';
export * from './paging.ts';
export * from './principal.ts';
