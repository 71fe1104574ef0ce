/** duroxide-llm diagrams for rspack: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.rspack;
export type { DuroxidePluginOptions } from './unplugin.js';
