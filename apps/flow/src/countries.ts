/** ISO 3166-1 alpha-2 codes (what Intl.DisplayNames names). */
export const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/** ICAO 9303 issuing-state codes, aligned with COUNTRY_CODES: ISO alpha-3, except Germany ("D"). */
const ICAO_CODES = (
  'AND ARE AFG ATG AIA ALB ARM AGO ATA ARG ASM AUT AUS ABW ALA AZE BIH BRB BGD BEL BFA BGR BHR BDI BEN BLM BMU BRN BOL BES BRA BHS BTN BVT BWA BLR BLZ CAN CCK COD CAF COG CHE CIV COK CHL CMR CHN COL CRI CUB CPV CUW CXR CYP CZE DEU DJI DNK DMA DOM DZA ECU EST EGY ESH ERI ESP ETH FIN FJI FLK FSM FRO FRA GAB GBR GRD GEO GUF GGY GHA GIB GRL GMB GIN GLP GNQ GRC SGS GTM GUM GNB GUY HKG HMD HND HRV HTI HUN IDN IRL ISR IMN IND IOT IRQ IRN ISL ITA JEY JAM JOR JPN KEN KGZ KHM KIR COM KNA PRK KOR KWT CYM KAZ LAO LBN LCA LIE LKA LBR LSO LTU LUX LVA LBY MAR MCO MDA MNE MAF MDG MHL MKD MLI MMR MNG MAC MNP MTQ MRT MSR MLT MUS MDV MWI MEX MYS MOZ NAM NCL NER NFK NGA NIC NLD NOR NPL NRU NIU NZL OMN PAN PER PYF PNG PHL PAK POL SPM PCN PRI PSE PRT PLW PRY QAT REU ROU SRB RUS RWA SAU SLB SYC SDN SWE SGP SHN SVN SJM SVK SLE SMR SEN SOM SUR SSD STP SLV SXM SYR SWZ TCA TCD ATF TGO THA TJK TKL TLS TKM TUN TON TUR TTO TUV TWN TZA UKR UGA UMI USA URY UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM MYT ZAF ZMB ZWE'
).split(' ').map((c) => (c === 'DEU' ? 'D' : c));

const ICAO_TO_ALPHA2 = new Map(ICAO_CODES.map((c, i) => [c, COUNTRY_CODES[i]]));

/** Codes that are not countries but appear on travel documents (ICAO 9303 part 3). */
const SPECIAL: Record<string, string> = {
  UTO: 'Utopia (specimen)', EUE: 'European Union', UNO: 'United Nations', UNA: 'United Nations agency', UNK: 'Kosovo (UNMIK)', RKS: 'Kosovo',
  XXA: 'Stateless person', XXB: 'Refugee', XXC: 'Refugee (other)', XXX: 'Unspecified nationality',
  GBD: 'British Overseas Territories citizen', GBN: 'British National (Overseas)', GBO: 'British Overseas citizen', GBP: 'British protected person', GBS: 'British subject',
};

/**
 * Document issuing states the person may pick (ICAO codes, as the server checks them): the step's
 * allow-list, or every country when it has none, minus the exclusions, sorted by their name in the
 * display language (from the browser's Intl.DisplayNames: no name tables shipped).
 */
export function countryOptions(allowed: string[] | null, excluded: string[], lang: string): { code: string; name: string }[] {
  const ex = new Set(excluded.map((c) => c.toUpperCase()));
  const base = allowed && allowed.length > 0 ? allowed.map((c) => c.toUpperCase()) : ICAO_CODES;
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([lang], { type: 'region' });
  } catch {
    names = null;
  }
  const name = (c: string) => {
    const a2 = ICAO_TO_ALPHA2.get(c);
    try {
      return (a2 && names?.of(a2)) || SPECIAL[c] || c;
    } catch {
      return SPECIAL[c] ?? c;
    }
  };
  return [...new Set(base)]
    .filter((c) => !ex.has(c))
    .map((code) => ({ code, name: name(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}

/** The ICAO code for an ISO alpha-2 country (to preselect the country the person is in). */
export function icaoFromAlpha2(a2: string | null | undefined): string | null {
  if (!a2) return null;
  const i = COUNTRY_CODES.indexOf(a2.toUpperCase());
  return i >= 0 ? ICAO_CODES[i] : null;
}
