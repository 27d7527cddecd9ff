export * from './cases';
export * from './org';
export * from './calendar';
