export * from './cases';
export * from './org';
export * from './calendar';
export * from './catalogue';
export * from './incident';
