// The shared data model and contracts every layer builds on: registry documents, the store
// interface, the clock, configuration and logging (docs/architecture.md, "Layers").

export * from './clock.ts';
export * from './config.ts';
export * from './credentials.ts';
export * from './identity.ts';
export * from './jws.ts';
export * from './log.ts';
export * from './log-limit.ts';
export * from './model.ts';
export * from './periodic.ts';
export * from './sources.ts';
export * from './store.ts';
