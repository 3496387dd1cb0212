export * from './channels';
export * from './notifier';
export * from './dead-letters';
