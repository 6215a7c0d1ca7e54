// Parts every page shares: translations, the language switch and the status line.
import { applyTranslations, getLanguage, setLanguage, t } from './i18n.js';
import './strings/common.js';

/** Translates the static text and wires the language switch button (#language-switch). */
export function initPage() {
  applyTranslations();
  const button = document.getElementById('language-switch');
  if (button) {
    updateSwitch(button);
    button.addEventListener('click', () => {
      setLanguage(getLanguage() === 'de' ? 'en' : 'de');
      updateSwitch(button);
    });
  }
}

function updateSwitch(button) {
  // The button names the other language in that language, so it carries that lang attribute.
  const other = getLanguage() === 'de' ? 'en' : 'de';
  button.lang = other;
  button.textContent = t('common.languageSwitch');
  button.setAttribute('aria-label', t('common.languageSwitchLabel'));
}

/** Writes a message to the page's status line (#status, a polite live region) or to another live region. */
export function showStatus(message, kind = 'info', status = document.getElementById('status')) {
  // Rewriting the same text would make some screen readers announce it again.
  if (!status || (status.textContent === message && status.dataset.kind === kind)) {
    return;
  }
  status.textContent = message;
  status.dataset.kind = kind;
}

/** Creates an element with attributes and children; strings become text nodes, never HTML. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'className') {
      element.className = value;
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}
