// boot.js: a small script the page runs from <head>, before the stylesheet and the charting code
// (app.js) have loaded, that starts the first view's requests. The server works on them while the
// browser loads, styles and runs app.js, whose first identical requests take the answers over
// (api.ts `prefetch`); the requests themselves are the ones main.ts makes, built by the same rules.

import { prefetch } from './api.ts';
import { apiRange, readView, trendsQuery } from './view.ts';

const view = readView(location.search);
prefetch('config');
prefetch('trends', trendsQuery(view, view.source));
prefetch('alerts', apiRange(view));
