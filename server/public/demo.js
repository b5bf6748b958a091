// Language switch of the demo partner page: sets <html lang> (the widgets follow it)
// and shows the article text in that language, without a reload. Without JavaScript
// the links load the page in the other language.
const TITLES = {
  en: 'Spirit of Chongqing City — partner demo',
  'zh-Hans': '重庆城市精神 — 合作页面演示',
};

function setLanguage(lang) {
  document.documentElement.lang = lang;
  document.title = TITLES[lang] ?? document.title;
  for (const element of document.querySelectorAll('[data-l10n]')) {
    element.hidden = element.lang !== lang;
  }
  for (const link of document.querySelectorAll('.lang-switch a[data-lang]')) {
    if (link.dataset.lang === lang) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  history.replaceState(null, '', url);
}

document.querySelector('.lang-switch')?.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-lang]') : null;
  if (!link) return;
  event.preventDefault();
  setLanguage(link.dataset.lang);
});
