// The web dashboard: its server (JSON APIs, server-sent events, the bundled page) and the views it answers.
export { DashboardServer, type DashboardOptions, type DashboardState } from './dashboard-server.js';
export { equityCurve } from './result-view.js';
export type { JobView, TaskView, MemberView, MembersPage, HeadView, MemberHealth } from './views.js';
export type { ResultView } from './result-view.js';
