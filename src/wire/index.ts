// DNS wire and presentation work shared by the DNS server, the resolver and the registry:
// names, type numbers, the message writer, RDATA in every form (docs/architecture.md, "Layers").
export * from './latin1.ts';
export * from './lexer.ts';
export * from './name.ts';
export * from './rdata/parse.ts';
export * from './rdata/schema.ts';
export * from './rdata/text.ts';
export * from './rdata/wire.ts';
export * from './rdata-text.ts';
export * from './types.ts';
export * from './writer.ts';
