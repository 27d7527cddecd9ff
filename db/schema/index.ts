export * from './cases';
export * from './org';
export * from './calendar';
export * from './catalogue';
export * from './incident';
export * from './summons';
export * from './assessment';
export * from './idempotency';
