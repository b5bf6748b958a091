import { expect, waitUntil } from '@open-wc/testing';
import type { Locale } from '../../src/api/wire.js';
import {
  cleanUp,
  detailOf,
  openConsole,
  openQueue,
  press,
  settle,
  shadow,
} from './support/console.js';
import { LI_MING, World, safetyDefaults } from './support/world.js';

// axe on every view a person works in, in both languages (the labels, the lang
// attributes and the contrast change with the language).
for (const locale of ['en', 'zh-Hans'] as Locale[]) {
  describe(`newsroom console: accessibility (${locale})`, () => {
    beforeEach(() => localStorage.setItem('newsroom-console:locale', locale));
    afterEach(cleanUp);

    it('sign-in, with an error shown', async () => {
      const w = new World({ signedIn: false });
      const el = await openConsole(w);
      await waitUntil(() => shadow(el).querySelector('newsroom-sign-in')?.shadowRoot);
      const form = shadow(el).querySelector('newsroom-sign-in')!;
      expect(document.documentElement.lang).to.equal(locale);
      await expect(el).to.be.accessible();
      shadow(form).querySelector('form')!.requestSubmit();
      await waitUntil(() => shadow(form).querySelector('[role="alert"]'));
      await expect(el).to.be.accessible();
    });

    it('the queue, its filters and bulk bar, and an item’s detail with its reason list', async () => {
      const w = new World({ items: 8, me: { locale } });
      w.decideAs(LI_MING, 's2', 'approve');
      const el = await openQueue(w);
      await expect(el).to.be.accessible();
      const q = shadow(el).querySelector('newsroom-queue')!;
      shadow(q).querySelector<HTMLButtonElement>('[aria-controls="filters"]')!.click();
      press('x');
      await settle(q);
      await expect(el).to.be.accessible();
      press('j');
      press('o');
      await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('img'), 'detail with photo');
      press('r');
      await waitUntil(() => detailOf(el)!.shadowRoot!.querySelector('fieldset'));
      await expect(el).to.be.accessible();
    });

    it('the audit trail', async () => {
      const w = new World({ me: { locale } });
      w.decideAs(LI_MING, 's1', 'approve');
      w.decideAs(LI_MING, 's3', 'reject', 'spam');
      const el = await openConsole(w, '?view=audit');
      await waitUntil(() =>
        shadow(el).querySelector('newsroom-audit')?.shadowRoot?.querySelector('tbody tr'),
      );
      await expect(el).to.be.accessible();
    });

    it('staff accounts, with a new link shown', async () => {
      const w = new World({ me: { locale, role: 'admin' } });
      const el = await openConsole(w, '?view=staff');
      await waitUntil(() =>
        shadow(el).querySelector('newsroom-staff')?.shadowRoot?.querySelector('tbody tr'),
      );
      await expect(el).to.be.accessible();
      const staff = shadow(shadow(el).querySelector('newsroom-staff'));
      // 李明's row: its last button makes a new sign-in link.
      const row = [...staff.querySelectorAll('tbody tr')].find((r) =>
        r.textContent.includes('李明'),
      )!;
      [...row.querySelectorAll('button')].at(-1)!.click();
      await waitUntil(() => staff.querySelector('#issued-link'));
      await expect(el).to.be.accessible();
    });

    it('the Reported tab with flags, reports and a photo kept for the newsroom', async () => {
      const w = new World({ items: 8, me: { locale } });
      for (const id of ['s2', 's3', 's6']) w.decideAs(LI_MING, id, 'approve');
      w.item('s3').photoPermission = false;
      w.item('s3').photoPublished = false;
      w.item('s3').flags = [
        { code: 'word', detail: '坏词' },
        { code: 'external_error', detail: 'timeout' },
      ];
      for (let i = 0; i < 3; i++) w.report('s3', i ? 'spam' : 'illegal', i ? null : 'An advert');
      w.report('s6', 'harassment');
      w.item('s1').flags = [{ code: 'link', detail: 'example.com' }];
      const el = await openQueue(w, '?status=reported');
      const q = shadow(el).querySelector('newsroom-queue')!;
      await waitUntil(() => shadow(q).querySelector('.reports'), 'reported rows');
      await expect(el).to.be.accessible();
      press('o');
      await waitUntil(() => detailOf(el)?.shadowRoot?.querySelector('ol.reports li'), 'reports');
      await expect(el).to.be.accessible();
    });

    it('the safety settings: an admin’s form with field errors, and a viewer’s read-only view', async () => {
      const w = new World({ me: { locale, role: 'admin' } });
      w.safety = safetyDefaults({
        reportContact: { kind: 'email', value: 'x', label: { en: 'Line', 'zh-Hans': '举报' } },
        externalCheck: { url: 'http://check.example', timeoutMs: 3000, secretSet: true },
      });
      const el = await openConsole(w, '?view=safety');
      const view = () => shadow(el).querySelector('newsroom-safety')?.shadowRoot;
      await waitUntil(() => view()?.querySelector('form'), 'the safety form');
      await expect(el).to.be.accessible();
      view()!.querySelector('form')!.requestSubmit();
      await waitUntil(() => view()!.querySelector('.summary'), 'the error summary');
      await expect(el).to.be.accessible();
      await cleanUp();
      const viewer = new World({ me: { locale, role: 'viewer' } });
      const again = await openConsole(viewer, '?view=safety');
      await waitUntil(
        () => shadow(again).querySelector('newsroom-safety')?.shadowRoot?.querySelector('form'),
        'the read-only form',
      );
      await expect(again).to.be.accessible();
    });

    it('privacy and the shortcut list', async () => {
      const w = new World({ me: { locale, role: 'admin' } });
      const el = await openConsole(w, '?view=privacy');
      await waitUntil(() => shadow(el).querySelector('newsroom-privacy')?.shadowRoot);
      await expect(el).to.be.accessible();
      const help = shadow(el).querySelector('newsroom-help-dialog')!;
      await help.show();
      await expect(help).to.be.accessible();
      help.close();
    });
  });
}
