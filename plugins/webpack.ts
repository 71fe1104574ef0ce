/** duroxide-llm diagrams for webpack: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.webpack;
export type { DuroxidePluginOptions } from './unplugin.js';
