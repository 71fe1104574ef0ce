/** duroxide-llm diagrams for rolldown: see plugins/unplugin.ts. */
import { unplugin } from './unplugin.js';

export default unplugin.rolldown;
export type { DuroxidePluginOptions } from './unplugin.js';
