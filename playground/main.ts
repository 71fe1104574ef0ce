// The playground page: every diagram module the plugin serves, rendered with mermaid.
import mermaid from 'mermaid';
import diagrams from '~duroxide/diagrams';
import orderSaga, { title } from '~duroxide/diagrams/order-saga';

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
const app = document.getElementById('app')!;
let i = 0;
for (const [name, text] of Object.entries(diagrams)) {
  const section = document.createElement('section');
  section.dataset.orchestration = name;
  const heading = document.createElement('h2');
  heading.textContent = name === 'OrderSaga' ? `${name}: ${title}` : name;
  const holder = document.createElement('div');
  section.append(heading, holder);
  app.append(section);
  const { svg } = await mermaid.render(`diagram-${i++}`, text);
  holder.innerHTML = svg;
}
document.body.dataset.diagrams = String(Object.keys(diagrams).length);
document.body.dataset.orderSagaLength = String(orderSaga.length);
document.body.dataset.ready = 'true';
