"use client";
/** Anki plain text in and out: paste lines (or choose a .txt file) of front and back separated by
 * a tab, and save the deck as a file Anki imports. */
import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Button, Card, ErrorNote, FormError, TextArea } from "@/components/ui";
import { fileName, plural, useRefreshStudy, type Deck } from "./api";

type Format = "tsv" | "csv";

/** Tab-separated unless the text says otherwise or holds no tab but commas. */
function guessFormat(text: string): Format {
  const header = /^#separator:(\w+)/im.exec(text);
  if (header) return header[1]!.toLowerCase() === "comma" ? "csv" : "tsv";
  if (text.includes("\t")) return "tsv";
  return text.includes(",") ? "csv" : "tsv";
}

export function ImportExport({ deck }: { deck: Deck }) {
  const refresh = useRefreshStudy();
  const fileId = useId();
  const formatId = useId();
  const [text, setText] = useState("");
  const [format, setFormat] = useState<Format>("tsv");
  const [imported, setImported] = useState<number | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const importCards = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/study/decks/{deck_id}/import", {
          params: { path: { deck_id: deck.id } },
          body: { text, format },
        }),
      ),
    onSuccess: (result) => {
      setImported(result.imported);
      setText("");
      refresh();
    },
  });

  const exportCards = useMutation({
    mutationFn: async (fmt: Format) => {
      const text = await unwrap(
        api.GET("/api/v1/study/decks/{deck_id}/export", {
          params: { path: { deck_id: deck.id }, query: { format: fmt } },
          parseAs: "text",
        }),
      );
      const blob = new Blob([text as string], { type: fmt === "csv" ? "text/csv" : "text/plain" });
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = fileName(deck.name, fmt === "csv" ? "csv" : "txt");
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });

  const chooseFile = async (e: ChangeEvent<HTMLInputElement>) => {
    setFileError(null);
    setImported(null);
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 1_000_000) {
      setFileError("That file is too large to import at once. Split it into smaller files.");
      return;
    }
    try {
      const content = await file.text();
      setText(content);
      setFormat(guessFormat(content));
    } catch {
      setFileError("That file could not be read. Choose a plain text file.");
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setImported(null);
    importCards.mutate();
  };

  return (
    <Card title="Import and export">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <TextArea
          label="Anki text to import"
          field="text"
          error={importCards.error}
          rows={5}
          hint="One card a line: the front, a tab, then the back (Anki’s “Notes in plain text”)."
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setImported(null);
          }}
          required
          mono
        />
        <div className="flex flex-col gap-1">
          <label htmlFor={fileId} className="text-sm font-medium text-ink">
            Or choose a .txt file
          </label>
          <input
            id={fileId}
            type="file"
            accept=".txt,.tsv,.csv,text/plain,text/csv,text/tab-separated-values"
            onChange={(e) => void chooseFile(e)}
            className="text-sm text-ink file:mr-3 file:rounded-lg file:border file:border-stone-300 file:bg-white file:px-3 file:py-2 file:text-sm file:text-ink"
          />
          {fileError && (
            <p role="alert" className="text-sm text-red-800">
              {fileError}
            </p>
          )}
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={formatId} className="text-sm font-medium text-ink">
            Separator
          </label>
          <select
            id={formatId}
            value={format}
            onChange={(e) => setFormat(e.target.value as Format)}
            className="min-h-10 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
          >
            <option value="tsv">Tab</option>
            <option value="csv">Comma (CSV)</option>
          </select>
        </div>
        <FormError error={importCards.error} fields={["text"]} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={importCards.isPending} disabled={!text.trim()}>
            Import cards
          </Button>
          <p role="status" className="text-sm text-brand-800">
            {imported !== null && `Imported ${plural(imported, "card")}.`}
          </p>
        </div>
      </form>
      <div className="mt-5 border-t border-stone-200 pt-4">
        <p className="text-sm text-muted">Save this deck as a file Anki can import.</p>
        <div className="mt-2 flex flex-wrap gap-2">
          <Button variant="secondary" busy={exportCards.isPending && exportCards.variables === "tsv"} onClick={() => exportCards.mutate("tsv")}>
            Export as text (.txt)
          </Button>
          <Button variant="secondary" busy={exportCards.isPending && exportCards.variables === "csv"} onClick={() => exportCards.mutate("csv")}>
            Export as CSV
          </Button>
        </div>
        <ErrorNote error={exportCards.error} className="mt-2" />
      </div>
    </Card>
  );
}
