import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { defineElement, definedVersion } from '../src/core/register.js';
import { captureWarnings } from './support/warnings.js';

let n = 0;
const uniqueTag = () => `cw-register-test-${++n}-${Math.random().toString(36).slice(2, 7)}`;

describe('defineElement', () => {
  let warnings: unknown[][];
  let restore: () => void;

  beforeEach(() => {
    ({ warnings, restore } = captureWarnings({ forward: false }));
  });
  afterEach(() => restore());

  it('defines a new tag and records the version', () => {
    const tag = uniqueTag();
    expect(defineElement(tag, class extends LitElement {}, '1.0.0')).to.equal(true);
    expect(customElements.get(tag)).to.be.a('function');
    expect(definedVersion(tag)).to.equal('1.0.0');
  });

  it('skips a tag defined twice by the same version, silently', () => {
    const tag = uniqueTag();
    const first = class extends LitElement {};
    defineElement(tag, first, '1.0.0');
    expect(() => defineElement(tag, class extends LitElement {}, '1.0.0')).not.to.throw();
    expect(defineElement(tag, class extends LitElement {}, '1.0.0')).to.equal(false);
    expect(customElements.get(tag)).to.equal(first);
    expect(warnings).to.have.length(0);
  });

  it('keeps the first version and warns once when another version loads', () => {
    const tagA = uniqueTag();
    const tagB = uniqueTag();
    const first = class extends LitElement {};
    defineElement(tagA, first, '1.0.0');
    defineElement(tagB, class extends LitElement {}, '1.0.0');
    defineElement(tagA, class extends LitElement {}, '2.0.0');
    defineElement(tagB, class extends LitElement {}, '2.0.0');
    defineElement(tagA, class extends LitElement {}, '2.0.0');
    expect(customElements.get(tagA)).to.equal(first);
    expect(warnings).to.have.length(1);
    expect(String(warnings[0][0])).to.contain('1.0.0').and.contain('2.0.0');
  });

  it('does not throw when a tag was defined by code that bypassed it', () => {
    const tag = uniqueTag();
    customElements.define(tag, class extends HTMLElement {});
    expect(() => defineElement(tag, class extends LitElement {}, '1.0.0')).not.to.throw();
    expect(warnings).to.have.length(1);
    expect(String(warnings[0][0])).to.contain('unknown');
  });

  it('does not throw when the same constructor is offered under a second tag', () => {
    const ctor = class extends LitElement {};
    defineElement(uniqueTag(), ctor, '1.0.0');
    const second = uniqueTag();
    expect(() => defineElement(second, ctor, '1.0.0')).not.to.throw();
  });
});
