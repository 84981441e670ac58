export type Language = { id: string; name: string; version?: string };

// The Api's language list; null when it does not answer (the page works without it).
export async function fetchLanguages(signal: AbortSignal): Promise<Language[] | null> {
  try {
    const response = await fetch("/api/v1/languages", { signal, headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    const items = Array.isArray(body) ? body : (body as { languages?: unknown })?.languages;
    return Array.isArray(items) ? items.filter(isLanguage) : null;
  } catch {
    return null;
  }
}

function isLanguage(value: unknown): value is Language {
  const item = value as Partial<Language> | null;
  return typeof item?.id === "string" && typeof item.name === "string";
}
