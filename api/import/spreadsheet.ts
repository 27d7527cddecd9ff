import ExcelJS from 'exceljs';

/** The two file formats the import and export take: an Excel workbook or UTF-8 CSV. */
export type SheetFormat = 'xlsx' | 'csv';

export const CONTENT_TYPES: Record<SheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/** One data row of a sheet: its row number as the spreadsheet shows it (the header is row 1) and its cells by header text. */
export interface SheetRow {
  row: number;
  cells: string[];
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

/** The format of an uploaded file, from its Content-Type. */
export function formatOf(contentType: string | undefined): SheetFormat {
  return (contentType ?? '').toLowerCase().startsWith('text/csv') ? 'csv' : 'xlsx';
}

/** Read the first worksheet (XLSX) or the CSV text; blank rows are skipped, every cell is trimmed text. */
export async function readSheet(data: Buffer, format: SheetFormat): Promise<Sheet> {
  const table = format === 'csv' ? parseCsv(data.toString('utf8').replace(/^\uFEFF/, '')) : await readXlsx(data);
  const [header, ...rest] = table;
  const rows: SheetRow[] = [];
  rest.forEach((cells, i) => {
    if (cells.some((c) => c.trim() !== '')) rows.push({ row: i + 2, cells: cells.map(unescapeCell) });
  });
  return { headers: (header ?? []).map((h) => h.trim()), rows };
}

async function readXlsx(data: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  // exceljs's typings predate Node's generic Buffer.
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c += 1) cells.push(row.getCell(c).text.trim());
    table[n - 1] = cells;
  });
  return Array.from(table, (r) => r ?? []);
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell.trim());
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell.trim());
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell.trim());
    rows.push(row);
  }
  return rows;
}

// A cell a spreadsheet program would run as a formula (= + - @, tab, CR) is written with a leading
// apostrophe, and the apostrophe is taken off again when such a file is read back.
const FORMULA_START = /^[=+\-@\t\r]/;
const escapeCell = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);
const unescapeCell = (value: string) =>
  value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;

/** Write a sheet (header row + data rows) as XLSX or CSV (UTF-8 with BOM, so Excel reads the Chinese). */
export async function writeSheet(
  format: SheetFormat,
  name: string,
  headers: string[],
  rows: string[][],
  notes?: { title: string; lines: string[][] },
): Promise<Buffer> {
  if (format === 'csv') {
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = [headers, ...rows].map((r) => r.map((v) => quote(escapeCell(v))).join(','));
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name);
  sheet.addRow(headers).font = { bold: true };
  // Plain strings: exceljs writes them as text cells, never as formulas.
  for (const r of rows) sheet.addRow(r);
  sheet.columns.forEach((c) => (c.width = 18));
  if (notes) {
    const help = workbook.addWorksheet(notes.title);
    for (const line of notes.lines) help.addRow(line);
    help.columns.forEach((c) => (c.width = 40));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
