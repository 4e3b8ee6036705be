"use client";
/** A month as a keyboard-navigable grid of day buttons (Monday first). One day is in the tab
 * order at a time; the arrow keys move a day or a week, Home and End go to the week's ends, and
 * Page Up / Page Down move a month. Moving past the month's edge asks the parent to show the
 * neighbouring month (through `onActiveChange`). */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { cx } from "@/components/ui";
import { WEEKDAYS, WEEKDAYS_SHORT, daysOf, monthLabel, shiftDay, weekdayOf } from "./dates";
import { longDay } from "@/lib/days";

export interface DayCell {
  /** What a screen reader says besides the date ("done", "2 habits, mood logged"). */
  status?: string;
  pressed?: boolean;
  disabled?: boolean;
  content?: ReactNode;
  className?: string;
}

interface Props {
  month: string;
  today: string;
  /** The day that holds the focus (in the tab order). */
  active: string;
  onActiveChange: (day: string) => void;
  onSelect: (day: string) => void;
  cell: (day: string) => DayCell;
  caption?: string;
}

export function MonthGrid({ month, today, active, onActiveChange, onSelect, cell, caption }: Props) {
  const days = daysOf(month);
  const lead = weekdayOf(days[0]!);
  const slots: (string | null)[] = [...Array<null>(lead).fill(null), ...days];
  while (slots.length % 7) slots.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < slots.length; i += 7) weeks.push(slots.slice(i, i + 7));

  const table = useRef<HTMLTableElement>(null);
  const moved = useRef(false);
  const focusDay = days.includes(active) ? active : days.includes(today) ? today : days[0]!;

  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    table.current?.querySelector<HTMLButtonElement>(`button[data-day="${focusDay}"]`)?.focus();
  }, [focusDay, month]);

  function onKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    const steps: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
    let next: string | null = null;
    if (e.key in steps) next = shiftDay(focusDay, steps[e.key]!);
    else if (e.key === "Home") next = shiftDay(focusDay, -weekdayOf(focusDay));
    else if (e.key === "End") next = shiftDay(focusDay, 6 - weekdayOf(focusDay));
    else if (e.key === "PageUp" || e.key === "PageDown") {
      const by = e.key === "PageUp" ? -1 : 1;
      const [y, m, d] = focusDay.split("-").map(Number);
      const target = new Date(Date.UTC(y!, m! - 1 + by, 1));
      const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      target.setUTCDate(Math.min(d!, last));
      next = target.toISOString().slice(0, 10);
    }
    if (!next) return;
    e.preventDefault();
    moved.current = true;
    onActiveChange(next);
  }

  return (
    <table ref={table} className="w-full table-fixed border-separate border-spacing-1" onKeyDown={onKeyDown}>
      <caption className="sr-only">{caption ?? monthLabel(month)}</caption>
      <thead>
        <tr>
          {WEEKDAYS_SHORT.map((d, i) => (
            <th key={d} scope="col" className="text-xs font-medium text-muted">
              <abbr title={WEEKDAYS[i]} className="no-underline">
                {d}
              </abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week, w) => (
          <tr key={w}>
            {week.map((day, i) =>
              day ? (
                <td key={day} className="p-0 align-top">
                  <DayButton day={day} today={today} focusable={day === focusDay} cell={cell(day)} onSelect={onSelect} onFocus={() => day !== active && onActiveChange(day)} />
                </td>
              ) : (
                <td key={`blank-${i}`} />
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DayButton({ day, today, focusable, cell, onSelect, onFocus }: { day: string; today: string; focusable: boolean; cell: DayCell; onSelect: (day: string) => void; onFocus: () => void }) {
  const isToday = day === today;
  const label = `${longDay(day)}${isToday ? ", today" : ""}${cell.status ? `, ${cell.status}` : ""}`;
  return (
    <button
      type="button"
      data-day={day}
      tabIndex={focusable ? 0 : -1}
      aria-label={label}
      aria-pressed={cell.pressed}
      aria-disabled={cell.disabled || undefined}
      aria-current={isToday ? "date" : undefined}
      onFocus={onFocus}
      onClick={() => !cell.disabled && onSelect(day)}
      className={cx(
        "flex min-h-11 w-full flex-col items-center justify-start rounded-lg border px-0.5 py-1 text-sm",
        isToday ? "border-brand-700 border-2 font-semibold" : "border-stone-200",
        cell.disabled ? "cursor-not-allowed text-muted" : !cell.className && "hover:bg-stone-50",
        cell.className,
      )}
    >
      <span aria-hidden>{Number(day.slice(8))}</span>
      {cell.content}
    </button>
  );
}
