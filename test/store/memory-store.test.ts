import { runStoreConformance } from '../../src/store/conformance/index.js';
import { MemoryStore } from '../../src/store/memory-store.js';

runStoreConformance(() => new MemoryStore(), { name: 'MemoryStore' });
