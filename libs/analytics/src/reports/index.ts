/** Reports beyond the KPI set: breaches, satisfaction per person, complaint analytics (read-only queries). */
export * from './breach-report';
export * from './satisfaction-report';
export * from './complaint-analytics';
