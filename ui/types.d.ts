// The slice of the Tauri 2 global API (`withGlobalTauri: true`) that api.js uses.
// Only api.js may touch `window.__TAURI__`; everything else goes through api.js.

interface TauriEvent<T> {
  event: string;
  id: number;
  payload: T;
}

type TauriUnlisten = () => void;

interface TauriGlobal {
  core: {
    invoke<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  };
  event: {
    listen<T = unknown>(event: string, handler: (event: TauriEvent<T>) => void): Promise<TauriUnlisten>;
  };
}

interface Window {
  __TAURI__?: TauriGlobal;
}
