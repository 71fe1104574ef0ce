/**
 * A hash router in a few lines: `#/`, `#/instances/<id>`, `#/approvals`. Hash routes need no
 * server rewrites, so the console works under any prefix of an embedding server.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'instances'; query: URLSearchParams } | { page: 'instance'; id: string; query: URLSearchParams } | { page: 'approvals' } | { page: 'start' };

export function parseRoute(hash: string): Route {
  const [path, qs = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(qs);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'instances' && parts[1]) return { page: 'instance', id: decodeURIComponent(parts[1]), query };
  if (parts[0] === 'approvals') return { page: 'approvals' };
  if (parts[0] === 'start') return { page: 'start' };
  return { page: 'instances', query };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = {
  instances: (q?: URLSearchParams) => `#/${q && q.toString() ? `?${q}` : ''}`,
  instance: (id: string, q?: Record<string, string>) => `#/instances/${encodeURIComponent(id)}${q ? `?${new URLSearchParams(q)}` : ''}`,
  approvals: () => '#/approvals',
  start: () => '#/start',
};

export function navigate(to: string): void {
  location.hash = to.replace(/^#/, '');
}
