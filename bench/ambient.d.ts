// What the benches' page.evaluate callbacks see in the page beyond the DOM.

// The playground element, as the page defines it.
interface PoolPlaygroundElement extends HTMLElement {
  run?: any;
}
interface HTMLElementTagNameMap {
  'pool-playground': PoolPlaygroundElement;
}

// Installed by the benches and the demo pages.
interface Window {
  __measure(work: () => Promise<unknown>): Promise<any>;
  __longTasks: any[];
  [demo: string]: any;
}
