export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: { readonly op: '<=' | '>=' | '=='; readonly value: number };
  readonly note?: string;
}
export interface Benchmark {
  readonly name: string;
  run(): Promise<Figure[]>;
}
