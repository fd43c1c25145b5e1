/** The local Express runtime: standalone server, middleware for a parent app, file config source. */
export { startExpressRouter, type ExpressRouterOptions, type RunningRouter } from './server.ts';
export { routerMiddleware, type RouterMiddlewareOptions } from './routerMiddleware.ts';
export { createFileConfig, type FileConfig, type FileConfigOptions } from './fileConfigSource.ts';
export { createHttpTransport, type HttpTransportOptions } from '../node/httpTransport.ts';
export { createPoolTransport, type PoolTransportOptions } from '../node/poolTransport.ts';
