// A Vue 3 partner app: all four widgets in a runtime-compiled template, with bound
// properties (`:prop` / `.prop`), plain attributes and `@campaign-…` listeners.
// Compiled by esbuild in the end-to-end setup.
import { createApp, ref } from 'vue';

const log = (window.__app = { events: [], renders: 0 });
const record = (event) =>
  log.events.push({
    type: event.type,
    target: event.currentTarget.localName,
    detail: JSON.parse(JSON.stringify(event.detail)),
  });

const app = createApp({
  setup() {
    const layout = ref('grid');
    log.setLayout = (value) => (layout.value = value);
    return {
      layout,
      record,
      open(event) {
        event.preventDefault();
        record(event);
      },
    };
  },
  template: `
    <main>
      <h1>A Vue 3 page</h1>
      <campaign-story-teaser story="a-tour-in-chongqing" layout="horizontal" @campaign-story-open="open" />
      <campaign-photo photo="grand-theater-night" :zoomable="true" caption="Captioned from Vue" />
      <campaign-submission-form @campaign-submit-error="record" />
      <campaign-quote-wall :max-items="2" :layout.prop="layout" hide-status="" @campaign-live-status="record" />
    </main>`,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('campaign-');
app.mount('#root');
