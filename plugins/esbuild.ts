/** duroxide-llm diagrams for esbuild: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.esbuild;
export type { DuroxidePluginOptions } from './unplugin.js';
