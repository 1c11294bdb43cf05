export async function run(): Promise<string> { return 'demo: coming\n'; }
