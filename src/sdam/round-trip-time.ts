// Average RTT: an exponentially weighted moving average (server-selection spec).

export const RTT_ALPHA = 0.2;

/** The first sample seeds the average; later samples move it by alpha. */
export function averageRoundTripTime(previousAverage: number | null, sample: number): number {
  if (previousAverage === null) return sample;
  return RTT_ALPHA * sample + (1 - RTT_ALPHA) * previousAverage;
}
