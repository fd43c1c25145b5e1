import { StoreSetupError } from '../kit/errors.ts';
import type { ConfigStore, StoredConfig } from './stores/configStore.ts';
import { validateStoredText, type CheckedStoredConfig } from './validateStoredText.ts';

/**
 * Reads the store's current config; a store that holds none is an error that says how to put one
 * there (`push`).
 */
export async function readExisting(command: string, store: ConfigStore): Promise<StoredConfig> {
  const current = await store.read();
  if (!current) {
    throw new StoreSetupError(`${command}: ${store.label} holds no config`, {
      details: [
        `put one there first: hadoku-route push FILE --target ${store.target}${store.target === 'file' ? ' (or pass --config FILE)' : ''}`,
      ],
    });
  }
  return current;
}

/** Validates what a store holds, or `null` when it is not a valid config (the caller says so). */
export function tryValidateStored(text: string, env: Record<string, string | undefined>, label: string): CheckedStoredConfig | null {
  try {
    return validateStoredText(text, env, label);
  } catch {
    return null;
  }
}
