/** duroxide-llm diagrams for vite: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.vite;
export type { DuroxidePluginOptions } from './unplugin.js';
