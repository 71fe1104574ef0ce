/** duroxide-llm diagrams for rollup: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.rollup;
export type { DuroxidePluginOptions } from './unplugin.js';
