import type { Messages } from './en.ts';

const fr: Messages = {
  common: {
    continue: 'Continuer', back: 'Retour', retry: 'Réessayer', retake: 'Reprendre', usePhoto: 'Utiliser cette photo', upload: 'Importer une photo',
    uploading: 'Envoi sécurisé…', checking: 'Vérification…', secure: 'Vérification sécurisée', encrypted: 'Vos données sont chiffrées et servent uniquement à vérifier votre identité.',
    poweredBy: 'Propulsé par Tessera', stepOf: 'Étape {{current}} sur {{total}}', loading: 'Chargement…', takePhoto: 'Prendre la photo', close: 'Fermer', language: 'Langue',
  },
  intro: {
    title: 'Vérifiez votre identité', lead: 'Cela prend environ 3 minutes. Vous aurez besoin :',
    needDocument: "D'une pièce d'identité valide", needFace: 'De votre visage, bien éclairé', needPhone: 'De votre e-mail ou téléphone',
    privacy: 'En continuant, vous acceptez que vos photos et données soient traitées pour vérifier votre identité.', start: 'Commencer',
  },
  handoff: {
    button: 'Continuer sur mon téléphone', title: 'Continuer sur votre téléphone', lead: "Scannez ce code avec l'appareil photo de votre téléphone, ou ouvrez le lien sur votre téléphone. Cette page se mettra à jour ensuite.",
    waiting: 'En attente de votre téléphone…', copy: 'Copier le lien', copied: 'Lien copié',
  },
  document: {
    chooseTitle: 'Choisissez votre document', country: 'Pays de délivrance', type: 'Type de document', chooseCountry: 'Choisissez un pays',
    types: { passport: 'Passeport', id_card: "Carte d'identité", driving_licence: 'Permis de conduire', residence_permit: 'Titre de séjour', visa: 'Visa', bank_card: 'Carte bancaire' },
    front: 'Recto de votre {{type}}', back: 'Verso de votre {{type}}', page: 'Page photo de votre passeport',
    hintFrame: 'Placez le document dans le cadre', hintFramePortrait: 'Tournez le document à la verticale et placez-le dans le cadre', hintHold: 'Ne bougez plus…', hintBlur: 'Image floue — tenez stable', hintDark: "Trop sombre — cherchez plus de lumière", hintGlare: 'Trop lumineux — évitez les reflets',
    reviewLead: 'Toutes les informations doivent être lisibles, sans reflet ni flou.',
    confirmTitle: 'Confirmez vos informations', confirmLead: 'Nous les avons lues sur votre document. Corrigez ce qui est inexact.', confirm: 'Confirmer',
    confirmNote: 'Votre document reste tel quel : toute correction est vérifiée par rapport à lui.',
    readingTitle: 'Lecture de votre document', readingLead: 'Un instant : nous lisons les informations de votre document pour que vous puissiez les vérifier.', reading: 'Lecture…',
    readingSlow: "C'est plus long que d'habitude. Vous pouvez patienter, ou terminer maintenant : nous utiliserons ce que nous avons lu sur votre document.", finishWithoutChecking: 'Terminer sans vérifier',
    noCountries: "Aucun pays de document n'est accepté pour cette vérification.", noBack: "Mon document n'a pas de verso",
  },
  fields: {
    surname: 'Nom', givenNames: 'Prénoms', birthDate: 'Date de naissance', documentNumber: 'Numéro du document', expiryDate: "Date d'expiration",
    nationality: 'Nationalité', sex: 'Sexe', address: 'Adresse', sexUnknown: 'Non indiqué', sexF: 'Femme (F)', sexM: 'Homme (M)', sexX: 'Non précisé (X)',
  },
  stepNames: {
    intro: 'Introduction', document: "Pièce d'identité", selfie: 'Selfie', liveness: 'Contrôle du vivant', selfie_with_document: 'Selfie avec votre document',
    questionnaire: 'Questions', email: 'Adresse e-mail', phone: 'Numéro de téléphone',
  },
  away: {
    title: 'Continuer sur votre téléphone', lead: 'Terminez la vérification sur votre téléphone. Cette page se met à jour au fur et à mesure.', here: 'Continuer plutôt sur cet appareil',
    progress: 'Votre progression', done: 'fait', todo: 'à faire',
  },
  selfie: {
    title: 'Prenez un selfie', lead: "Regardez l'objectif, retirez lunettes et chapeau, et assurez-vous que votre visage est bien éclairé.",
    hintFace: "Placez votre visage dans l'ovale", hintHold: 'Ne bougez plus…', hintMany: 'Un seul visage doit être visible', hintNoFace: 'Nous ne voyons pas votre visage',
    noFace: "Le visage n'a pas pu être détecté. Veuillez importer une image nette de votre visage.", continueAnyway: 'Continuer quand même',
    reviewLead: 'Votre visage doit être entièrement visible, net et bien éclairé.',
  },
  swd: { title: 'Selfie avec votre document', lead: 'Tenez votre document à côté de votre visage. Votre visage et le document doivent être bien visibles.' },
  liveness: {
    title: 'Contrôle du vivant', lead: "Suivez les instructions à l'écran. Cela montre que vous êtes une vraie personne, présente maintenant.", start: 'Commencer',
    tipLight: 'Placez-vous face à la lumière ; retirez lunettes, chapeau et masque', tipOval: "Gardez votre visage dans l'ovale", tipFollow: 'Faites chaque mouvement demandé : le contrôle avance tout seul', loadingModel: 'Préparation du contrôle…', done: 'Fait', notConfirmed: 'On continue', sending: 'Envoi…',
    actions: {
      turn_left: 'Tournez la tête à gauche', turn_right: 'Tournez la tête à droite', look_up: 'Regardez vers le haut', look_down: 'Regardez vers le bas',
      blink: 'Clignez des yeux', smile: 'Souriez', open_mouth: 'Ouvrez la bouche', nod: 'Hochez la tête', look_straight: "Regardez droit vers l'objectif",
      other: "Suivez l'instruction : {{action}}",
    },
  },
  questionnaire: { title: 'Quelques questions' },
  otp: {
    emailTitle: 'Vérifiez votre e-mail', phoneTitle: 'Vérifiez votre numéro de téléphone', emailLead: 'Nous enverrons un code à cette adresse.', phoneLead: "Nous enverrons un code par SMS à ce numéro. Indiquez l'indicatif du pays.", emailLabel: 'Adresse e-mail', phoneLabel: 'Numéro de téléphone',
    send: 'Envoyer le code', codeLabel: 'Code de vérification', codeLead: 'Saisissez le code envoyé à {{to}}.', verify: 'Vérifier', resend: 'Envoyer un nouveau code',
    resendIn: 'Nouveau code dans {{s}} s',
    knownEmailLead: 'Nous enverrons un code à usage unique à votre adresse e-mail :', knownPhoneLead: 'Nous enverrons un code à usage unique par SMS à votre numéro :',
    otherEmail: 'Utiliser une autre adresse e-mail', otherPhone: 'Utiliser un autre numéro', sendToKnown: 'Envoyer plutôt le code à {{to}}',
  },
  done: { title: 'Merci', lead: 'Vos informations ont été envoyées. Nous vous informerons du résultat.', redirecting: 'Redirection…', close: 'Vous pouvez fermer cette page.', returnNow: 'Revenir maintenant' },
  camera: {
    denied: "L'accès à la caméra a été refusé. Autorisez-le dans les réglages du navigateur, ou importez une photo.",
    unavailable: "Aucune caméra n'est disponible sur cet appareil. Importez une photo.", deniedNoUpload: "L'accès à la caméra a été refusé. Autorisez-le dans les réglages du navigateur, puis rechargez la page.", starting: 'Démarrage de la caméra…', uploadPhoto: 'Importer une photo', retry: 'Réessayer la caméra',
  },
  errors: {
    title: 'Un problème est survenu', uploadFailed: "L'envoi a échoué. Votre photo est conservée — réessayez.", network: 'La connexion a échoué. Vérifiez votre connexion et réessayez.',
    session_expired: 'Ce lien de vérification a expiré. Demandez un nouveau lien.', handoff_invalid: 'Ce lien pour continuer sur votre téléphone est invalide, expiré ou déjà utilisé. Créez-en un nouveau sur votre ordinateur.',
    invalid_token: "Ce lien de vérification n'est pas valide ou a expiré. Demandez un nouveau lien.",
    attempts_exhausted: 'Vous avez utilisé toutes les tentatives pour cette étape. Nous vous contacterons pour la suite.',
    country_not_allowed: "La vérification n'est pas disponible dans votre pays, ou les documents de ce pays ne sont pas acceptés.",
    noToken: 'Ouvrez cette page depuis le lien reçu pour commencer la vérification.',
    generic: 'Veuillez réessayer.', retryStep: 'Nous avons besoin que vous refassiez cette étape.', session_frozen: "Cette vérification a été suspendue après trop d'échecs. Contactez l'entreprise qui vous a envoyé ici.", verification_finished: 'Cette vérification est déjà terminée.', otp_invalid: "Ce code n'est pas correct. Vérifiez-le et réessayez.", too_large: 'Ce fichier est trop volumineux. Utilisez une photo plus petite.', unsupported_type: "Ce type de fichier n'est pas pris en charge. Utilisez une photo JPEG, PNG ou WebP.", corrupt_image: 'Cette image est endommagée. Prenez ou choisissez une autre photo.', invalid_email: "Cette adresse e-mail n'est pas valide.", target_required: 'Indiquez où envoyer le code.', phone_country_not_allowed: 'Les numéros de ce pays ne sont pas acceptés ici.', invalid_code: 'Ce code est invalide, expiré ou déjà utilisé.',
    unsupportedStep: 'Cette étape ne peut pas être réalisée dans ce navigateur.',
    embedding_not_allowed: 'Cette vérification ne peut pas être ouverte dans ce site web.',
    code: "Code d'erreur : {{code}}",
  },
};
export default fr;
