import { orchestration, type OrchestrationContext } from '../../src/index.js';

@orchestration({ name: 'SupportTriage', diagramDescription: 'LLM-assisted support triage' })
export class SupportTriage {
  async run(ctx: OrchestrationContext, email: string) {
    const mood = await ctx.sentiment(email);
    const summary = await ctx.summarize(email, 30);
    const urgent = await ctx.ifTrue(`Is this urgent? ${summary}`);
    if (urgent && mood.label === 'negative') await ctx.scheduleActivity('escalate', summary);
    const reply = await ctx.generate(`Draft a reply to: ${email}`);
    await ctx.scheduleActivity('sendReply', reply);
  }
}
