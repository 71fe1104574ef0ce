import { orchestration, type OrchestrationContext } from '../../src/index.js';

@orchestration({ name: 'ThumbnailBatch', diagramTitle: 'Thumbnails for every image' })
export class ThumbnailBatch {
  async run(ctx: OrchestrationContext, images: string[]) {
    const thumbs = await ctx.all(images.map((img) => ctx.scheduleActivity('makeThumbnail', img)));
    await ctx.scheduleActivity('publishGallery', thumbs);
    return thumbs.length;
  }
}
