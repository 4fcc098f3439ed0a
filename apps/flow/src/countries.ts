/** ISO 3166-1 alpha-2 codes; names come from the browser (Intl.DisplayNames) in the person's language. */
export const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/**
 * Countries the person may pick: the step's or the flow's allow-list (all countries when empty), minus
 * the exclusions, sorted by their name in the display language. Codes may be alpha-2 or alpha-3 in the
 * flow settings; alpha-3 codes the browser cannot name (like the ICAO specimen state "UTO") are kept as is.
 */
export function countryOptions(allowed: string[], excluded: string[], lang: string): { code: string; name: string }[] {
  const ex = new Set(excluded.map((c) => c.toUpperCase()));
  const base = allowed.length > 0 ? allowed.map((c) => c.toUpperCase()) : COUNTRY_CODES;
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([lang], { type: 'region' });
  } catch {
    names = null;
  }
  const name = (c: string) => {
    try {
      return (c.length === 2 && names?.of(c)) || c;
    } catch {
      return c;
    }
  };
  return [...new Set(base)]
    .filter((c) => !ex.has(c))
    .map((code) => ({ code, name: name(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}
