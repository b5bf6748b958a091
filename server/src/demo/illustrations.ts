/**
 * Illustrations for the demo campaign. The newsroom's original photographs are not
 * ours to redistribute, so each photo slot gets a simple drawing of its scene,
 * rendered from SVG by sharp when the demo campaign is seeded. Their captions say so.
 */
import sharp from 'sharp';

export const ILLUSTRATION_WIDTH = 1600;
export const ILLUSTRATION_HEIGHT = 1000;

/** A small deterministic pseudo-random sequence, so every start draws the same picture. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const W = ILLUSTRATION_WIDTH;
const H = ILLUSTRATION_HEIGHT;
const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body}</svg>`;

function skyline(rand: () => number, base: number, maxHeight: number, lit: number): string {
  let out = '';
  let x = -20;
  while (x < W) {
    const w = 40 + rand() * 90;
    const h = maxHeight * (0.35 + rand() * 0.65);
    const y = base - h;
    out += `<rect x="${x.toFixed(0)}" y="${y.toFixed(0)}" width="${w.toFixed(0)}" height="${h.toFixed(0)}" fill="#141a33"/>`;
    for (let wy = y + 12; wy < base - 10; wy += 22) {
      for (let wx = x + 8; wx < x + w - 12; wx += 16) {
        if (rand() < lit) {
          out += `<rect x="${wx.toFixed(0)}" y="${wy.toFixed(0)}" width="7" height="10" fill="#ffd27a" opacity="${(0.5 + rand() * 0.5).toFixed(2)}"/>`;
        }
      }
    }
    x += w + 4 + rand() * 10;
  }
  return out;
}

function grandTheaterNight(): string {
  const rand = random(7);
  let stars = '';
  for (let i = 0; i < 120; i++) {
    stars += `<circle cx="${(rand() * W).toFixed(0)}" cy="${(rand() * 420).toFixed(0)}" r="${(rand() * 1.8 + 0.4).toFixed(1)}" fill="#fff" opacity="${(rand() * 0.7 + 0.2).toFixed(2)}"/>`;
  }
  const city = skyline(rand, 640, 330, 0.35);
  const theater =
    '<polygon points="520,640 610,455 760,400 905,430 1030,520 1090,640" fill="#1e8f8a"/>' +
    '<polygon points="610,455 760,400 905,430 820,640 700,640" fill="#5fe0c8" opacity="0.85"/>' +
    '<polygon points="905,430 1030,520 1090,640 980,640" fill="#2bb3a3" opacity="0.9"/>' +
    '<rect x="520" y="628" width="570" height="14" fill="#f4f1c9" opacity="0.9"/>';
  return svg(
    `<defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#060a24"/><stop offset="0.7" stop-color="#2c1d5a"/>
        <stop offset="1" stop-color="#7a3b6e"/>
      </linearGradient>
      <linearGradient id="river" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#1b2350"/><stop offset="1" stop-color="#05081a"/>
      </linearGradient>
      <filter id="blur"><feGaussianBlur stdDeviation="6"/></filter>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#sky)"/>${stars}
    <circle cx="1320" cy="160" r="46" fill="#fdf3c4" opacity="0.9"/>
    ${city}${theater}
    <rect y="640" width="${W}" height="${H - 640}" fill="url(#river)"/>
    <g transform="translate(0 1282) scale(1 -1)" opacity="0.35" filter="url(#blur)">${city}${theater}</g>`,
  );
}

function hongyanMuseum(): string {
  const rand = random(11);
  let trees = '';
  for (let i = 0; i < 14; i++) {
    const x = i < 7 ? 40 + i * 55 : 1180 + (i - 7) * 55;
    const r = 34 + rand() * 20;
    trees += `<rect x="${x - 5}" y="560" width="10" height="70" fill="#5b3b22"/><circle cx="${x}" cy="${(560 - r * 0.6).toFixed(0)}" r="${r.toFixed(0)}" fill="#2f6b3a"/>`;
  }
  let people = '';
  for (let i = 0; i < 16; i++) {
    const x = 430 + i * 48 + rand() * 10;
    const h = 70 + rand() * 20;
    const colour = ['#e94f37', '#f2f2f2', '#3a6ea5', '#f6c344'][i % 4];
    people += `<circle cx="${x.toFixed(0)}" cy="${(850 - h).toFixed(0)}" r="13" fill="#3a2a20"/><rect x="${(x - 13).toFixed(0)}" y="${(850 - h + 14).toFixed(0)}" width="26" height="${(h - 14).toFixed(0)}" rx="8" fill="${colour}"/>`;
  }
  let columns = '';
  for (let i = 0; i < 9; i++) {
    columns += `<rect x="${470 + i * 80}" y="400" width="22" height="230" fill="#b3261e"/>`;
  }
  return svg(
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#9fd3f2"/><stop offset="1" stop-color="#f7e8c8"/>
    </linearGradient></defs>
    <rect width="${W}" height="${H}" fill="url(#sky)"/>
    <path d="M0 520 Q400 380 800 470 T1600 440 V1000 H0Z" fill="#7fa86a"/>
    <polygon points="420,400 800,300 1180,400" fill="#8c1c13"/>
    <rect x="440" y="400" width="720" height="230" fill="#efe3cf"/>${columns}
    <rect x="420" y="630" width="760" height="30" fill="#d9c9ad"/>
    <rect x="380" y="660" width="840" height="30" fill="#cbb99b"/>
    <rect x="0" y="690" width="${W}" height="${H - 690}" fill="#cfc6b4"/>
    ${trees}${people}`,
  );
}

function firewall(): string {
  const rand = random(23);
  let flames = '';
  for (let i = 0; i < 40; i++) {
    const x = rand() * W;
    const h = 60 + rand() * 160;
    flames += `<polygon points="${(x - 30).toFixed(0)},430 ${x.toFixed(0)},${(430 - h).toFixed(0)} ${(x + 30).toFixed(0)},430" fill="${rand() < 0.5 ? '#ff7b1c' : '#ffb238'}" opacity="0.8"/>`;
  }
  let people = '';
  for (let i = 0; i < 28; i++) {
    const x = 80 + i * 52;
    const y = 690 - Math.sin(i / 4) * 40;
    people += `<circle cx="${x}" cy="${(y - 62).toFixed(0)}" r="11" fill="#1a1412"/><rect x="${x - 11}" y="${(y - 50).toFixed(0)}" width="22" height="50" rx="7" fill="#1a1412"/><circle cx="${x + 6}" cy="${(y - 66).toFixed(0)}" r="4" fill="#fff6b0"/><line x1="${x + 10}" y1="${(y - 40).toFixed(0)}" x2="${x + 40}" y2="${(y - 40).toFixed(0)}" stroke="#1a1412" stroke-width="5"/>`;
  }
  return svg(
    `<defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#12090f"/><stop offset="0.6" stop-color="#5a1a12"/>
        <stop offset="1" stop-color="#c2461c"/>
      </linearGradient>
      <filter id="glow"><feGaussianBlur stdDeviation="14"/></filter>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#sky)"/>
    <g filter="url(#glow)">${flames}</g>
    <path d="M0 470 L220 380 L430 440 L640 350 L900 430 L1130 360 L1380 420 L1600 380 V1000 H0Z" fill="#2b1a16"/>
    <path d="M0 740 Q400 650 800 700 T1600 680 V1000 H0Z" fill="#3d2a20"/>
    <path d="M0 700 Q400 610 800 660 T1600 640 L1600 690 Q1200 700 800 710 T0 750Z" fill="#6b4a32"/>
    ${people}`,
  );
}

function tuanjieTrain(): string {
  const rand = random(5);
  const colours = ['#c0392b', '#2e86c1', '#f39c12', '#27ae60', '#8e44ad', '#d35400', '#16a085'];
  let cars = '';
  for (let i = 0; i < 13; i++) {
    const x = 300 + i * 108;
    cars += `<rect x="${x}" y="610" width="100" height="62" fill="${colours[Math.floor(rand() * colours.length)]}"/><rect x="${x}" y="672" width="100" height="10" fill="#333"/><circle cx="${x + 20}" cy="690" r="9" fill="#222"/><circle cx="${x + 80}" cy="690" r="9" fill="#222"/>`;
  }
  let poles = '';
  for (let x = 60; x < W; x += 200) {
    poles += `<rect x="${x}" y="520" width="8" height="180" fill="#55606e"/>`;
  }
  return svg(
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f9d29d"/><stop offset="1" stop-color="#fbeedd"/>
    </linearGradient></defs>
    <rect width="${W}" height="${H}" fill="url(#sky)"/>
    <circle cx="260" cy="260" r="90" fill="#ffb347" opacity="0.85"/>
    <path d="M0 560 Q300 420 620 520 T1200 470 T1600 500 V1000 H0Z" fill="#8fb27a"/>
    <path d="M0 640 Q500 560 900 620 T1600 600 V1000 H0Z" fill="#6c9a5b"/>
    ${poles}<line x1="0" y1="530" x2="${W}" y2="530" stroke="#55606e" stroke-width="3"/>
    <rect x="0" y="698" width="${W}" height="14" fill="#6d5d4b"/>
    <rect x="0" y="712" width="${W}" height="288" fill="#a48e73"/>
    <path d="M140 610 H290 V682 H120 V640 Z" fill="#1f5f99"/>
    <rect x="150" y="620" width="50" height="26" fill="#cde8ff"/>
    <circle cx="160" cy="690" r="10" fill="#222"/><circle cx="260" cy="690" r="10" fill="#222"/>
    ${cars}`,
  );
}

export const ILLUSTRATIONS: Record<string, () => string> = {
  'grand-theater-night': grandTheaterNight,
  'hongyan-museum': hongyanMuseum,
  firewall,
  'tuanjie-village-train': tuanjieTrain,
};

/** Renders an illustration to a lossless PNG at full size (the photo pipeline then re-encodes it). */
export async function renderIllustration(id: string): Promise<Buffer> {
  const draw = ILLUSTRATIONS[id];
  if (!draw) throw new Error(`No illustration named ${id}`);
  return sharp(Buffer.from(draw())).png().toBuffer();
}
