// esbuild bundles imported styles into app.css; the import itself has no value.
declare module '*.css';
