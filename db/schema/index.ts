export * from './cases';
export * from './org';
export * from './calendar';
export * from './catalogue';
