// A React 19 partner app: all four widgets as JSX, with properties, attributes and
// `on<event>` listeners (React 19 passes both to custom elements). Compiled by esbuild
// in the end-to-end setup; its types are checked by types.e2e.mjs.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

const log = (window.__app = { events: [], renders: 0 });
const record = (event) =>
  log.events.push({
    type: event.type,
    target: event.currentTarget.localName,
    detail: JSON.parse(JSON.stringify(event.detail)),
  });

function App() {
  const [layout, setLayout] = useState('grid');
  useEffect(() => {
    log.setLayout = setLayout;
  }, []);
  log.renders++;
  return (
    <main>
      <h1>A React 19 page</h1>
      <campaign-story-teaser
        story="a-tour-in-chongqing"
        layout="horizontal"
        oncampaign-story-open={(event) => {
          event.preventDefault();
          record(event);
        }}
      />
      <campaign-photo photo="grand-theater-night" zoomable={true} caption="Captioned from React" />
      <campaign-submission-form oncampaign-submit-error={record} />
      <campaign-quote-wall
        maxItems={2}
        layout={layout}
        hide-status=""
        oncampaign-live-status={record}
      />
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
