"use client";
/** A card's two sides as a pair of fields. */
import { TextArea } from "@/components/ui";

export function CardSides({
  front,
  back,
  setFront,
  setBack,
  error,
  frontId,
}: {
  front: string;
  back: string;
  setFront: (v: string) => void;
  setBack: (v: string) => void;
  error: unknown;
  frontId?: string;
}) {
  return (
    <>
      <TextArea label="Front" id={frontId} field="front" error={error} value={front} onChange={(e) => setFront(e.target.value)} required maxLength={20000} />
      <TextArea label="Back" field="back" error={error} value={back} onChange={(e) => setBack(e.target.value)} required maxLength={20000} />
    </>
  );
}
