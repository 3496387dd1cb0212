export * from './builder';
export * from './definitions';
export * from './run';
export * from './staff-scorecard';
export * from './docs';
export * from './drilldown';
export * from './policies';
export * from './whatif';
