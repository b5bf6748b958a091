// Staff moderation page: plain DOM, no framework. The token is entered once per tab
// and kept in sessionStorage. Everything a reader sent is shown with textContent:
// nothing they type is ever parsed as HTML.

const params = new URLSearchParams(location.search);
const CAMPAIGN = params.get('campaign') || 'spirit-of-chongqing';
const API = `/v1/campaigns/${encodeURIComponent(CAMPAIGN)}`;
const TOKEN_KEY = 'campaign-staff-token';
const POLL_MS = 5000;
const LABELS = {
  pending: 'Pending submissions',
  approved: 'Published quotes',
  rejected: 'Rejected submissions',
  removed: 'Removed quotes',
};

const $ = (id) => document.getElementById(id);
const state = { status: 'pending', nextBefore: null, pending: null, objectUrls: [] };

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, init = {}) {
  const response = await fetch(`${API}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token()}`, ...(init.headers || {}) },
  });
  if (response.status === 401) {
    signOut('The token was not accepted. Enter it again.');
    throw new Error('unauthorized');
  }
  if (!response.ok && response.status !== 204) {
    let message = `Request failed (${response.status})`;
    try {
      message = (await response.json()).message || message;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
  return response;
}

function announce(text) {
  const announcer = $('announcer');
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = text), 50);
}

function showCount(counts) {
  state.pending = counts.pending;
  $('count').textContent = `${counts.pending} pending · ${counts.approved} published`;
}

function field(list, term, value) {
  if (value === null || value === undefined || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

function button(label, className, describedBy, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  if (className) element.className = className;
  element.setAttribute('aria-describedby', describedBy);
  element.addEventListener('click', onClick);
  return element;
}

async function loadPhoto(item, container) {
  try {
    const response = await api(`/submissions/${encodeURIComponent(item.id)}/photo?width=640`);
    const url = URL.createObjectURL(await response.blob());
    state.objectUrls.push(url);
    const img = document.createElement('img');
    img.src = url;
    img.alt = `Photo sent with submission from ${item.displayName || 'an anonymous reader'}`;
    container.append(img);
  } catch {
    container.textContent = 'The photo could not be loaded.';
  }
}

function render(item) {
  const li = document.createElement('li');
  li.className = 'item';
  li.tabIndex = -1;
  li.dataset.id = item.id;
  const textId = `text-${item.id}`;

  const quote = document.createElement('blockquote');
  quote.id = textId;
  quote.lang = item.locale;
  quote.textContent = item.message;

  const details = document.createElement('dl');
  field(details, 'Name', item.anonymous ? 'Anonymous' : item.displayName);
  field(details, 'District', item.district && item.district.name);
  field(details, 'Email (private)', item.email);
  field(details, 'Language', item.locale);
  field(details, 'May publish', item.publishPermission ? 'Yes' : 'No');
  field(details, 'Consent version', item.consentVersion);
  field(details, 'Received', new Date(item.receivedAt).toLocaleString());
  field(details, 'Decided', item.decidedAt && new Date(item.decidedAt).toLocaleString());

  li.append(quote, details);
  if (item.photoId) {
    const photo = document.createElement('div');
    li.append(photo);
    loadPhoto(item, photo);
  }

  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.setAttribute('role', 'group');
  actions.setAttribute('aria-label', 'Decision');
  const act = (action, done) => () => decide(li, item, action, done);
  if (item.status !== 'approved' && item.publishPermission) {
    actions.append(button('Approve', 'approve', textId, act('approve', 'Approved and published')));
  }
  if (item.status === 'pending') {
    actions.append(button('Reject', '', textId, act('reject', 'Rejected')));
  }
  if (item.status === 'approved') {
    actions.append(button('Remove from wall', '', textId, act('remove', 'Removed from the wall')));
  }
  actions.append(
    button('Delete for good', 'danger', textId, () => {
      if (confirm('Delete this submission and its photo for good? This cannot be undone.')) {
        decide(li, item, 'delete', 'Deleted for good');
      }
    }),
  );
  li.append(actions);
  return li;
}

/** Runs an action, then takes the item out and moves focus to its neighbour. */
async function decide(li, item, action, doneText) {
  for (const element of li.querySelectorAll('button')) element.disabled = true;
  try {
    if (action === 'delete') {
      await api(`/submissions/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
    } else {
      await api(`/submissions/${encodeURIComponent(item.id)}/${action}`, { method: 'POST' });
    }
  } catch (error) {
    for (const element of li.querySelectorAll('button')) element.disabled = false;
    announce(`Could not do that: ${error.message}`);
    return;
  }
  const next = li.nextElementSibling || li.previousElementSibling;
  li.remove();
  if (next) next.focus();
  else $('list-heading').focus();
  $('empty').hidden = $('items').children.length > 0;
  announce(`${doneText}.`);
  refreshCount();
}

async function load(append = false) {
  const query = new URLSearchParams({ status: state.status, limit: '25' });
  if (append && state.nextBefore) query.set('before', state.nextBefore);
  const page = await (await api(`/submissions?${query}`)).json();
  const list = $('items');
  if (!append) {
    for (const url of state.objectUrls.splice(0)) URL.revokeObjectURL(url);
    list.replaceChildren();
  }
  for (const item of page.items) list.append(render(item));
  state.nextBefore = page.nextBefore;
  $('more').hidden = !page.nextBefore;
  $('empty').hidden = list.children.length > 0;
  $('fresh').hidden = true;
  showCount(page.counts);
}

async function refreshCount() {
  try {
    const page = await (await api('/submissions?status=pending&limit=1')).json();
    const before = state.pending;
    showCount(page.counts);
    const newest = page.items[0];
    const shown = $('items').querySelector('li');
    if (
      state.status === 'pending' &&
      newest &&
      (!shown || shown.dataset.id !== newest.id) &&
      before !== null &&
      page.counts.pending > 0 &&
      !$('items').querySelector(`li[data-id="${CSS.escape(newest.id)}"]`)
    ) {
      $('fresh').hidden = false;
    }
  } catch {
    // shown on the next action
  }
}

function selectStatus(status) {
  state.status = status;
  for (const element of $('filters').querySelectorAll('button')) {
    element.setAttribute('aria-pressed', String(element.dataset.status === status));
  }
  $('list-heading').textContent = LABELS[status];
  load().catch((error) => announce(error.message));
}

function signOut(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  $('workspace').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('count').textContent = 'Not signed in';
  $('token').focus();
}

async function signIn() {
  $('login').hidden = true;
  $('workspace').hidden = false;
  try {
    await load();
    $('list-heading').focus();
  } catch {
    // signOut already ran for a bad token
  }
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  $('token').value = '';
  signIn();
});
$('filters').addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (target) selectStatus(target.dataset.status);
});
$('refresh').addEventListener('click', () => load().catch((error) => announce(error.message)));
$('load-fresh').addEventListener('click', () => {
  load()
    .then(() => $('list-heading').focus())
    .catch((error) => announce(error.message));
});
$('more').addEventListener('click', () => load(true).catch((error) => announce(error.message)));
$('logout').addEventListener('click', () => signOut());

setInterval(() => {
  if (token() && document.visibilityState === 'visible') refreshCount();
}, POLL_MS);

if (token()) signIn();
else $('token').focus();
