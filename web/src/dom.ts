// Building the DOM from data. Text is only ever set as text (text nodes, textContent, attributes
// by name): nothing here parses a string as HTML, so a post titled <img onerror=…> stays words.

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined> & { class?: string };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces a section's generated content (everything after its heading and notes). */
export function fill(section: HTMLElement, ...children: (Child | Child[])[]): void {
  section.querySelector(':scope > .content')?.remove();
  append(section, h('div', { class: 'content' }, ...children));
}

/** Only http(s) links are made clickable: a javascript: or data: link from a feed stays text. */
export const safeHref = (link: string | null): string | null => (link && /^https?:\/\//i.test(link) ? link : null);
