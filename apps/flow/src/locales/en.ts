const en = {
  common: {
    continue: 'Continue', back: 'Back', retry: 'Try again', retake: 'Retake', usePhoto: 'Use this photo', upload: 'Upload a photo instead',
    uploading: 'Uploading securely…', checking: 'Checking…', secure: 'Secure verification', encrypted: 'Your data is encrypted and used only to verify your identity.',
    poweredBy: 'Powered by Tessera', stepOf: 'Step {{current}} of {{total}}', loading: 'Loading…', takePhoto: 'Take photo', close: 'Close', language: 'Language',
  },
  intro: {
    title: 'Verify your identity', lead: 'It takes about 3 minutes. You will need:',
    needDocument: 'A valid identity document', needFace: 'Your face, in good light', needPhone: 'Access to your email or phone',
    privacy: 'By continuing you agree that your photos and data are processed to verify your identity.', start: 'Start verification',
  },
  handoff: {
    button: 'Continue on your phone', title: 'Continue on your phone', lead: 'Scan this code with your phone camera, or open the link on your phone. This page will update when you are done.',
    waiting: 'Waiting for your phone…', copy: 'Copy link', copied: 'Link copied',
  },
  document: {
    chooseTitle: 'Choose your document', country: 'Issuing country', type: 'Document type', chooseCountry: 'Select a country',
    types: { passport: 'Passport', id_card: 'Identity card', driving_licence: "Driver's licence", residence_permit: 'Residence permit', visa: 'Visa', bank_card: 'Bank card' },
    front: 'Front of your {{type}}', back: 'Back of your {{type}}', page: 'Photo page of your passport',
    hintFrame: 'Place the document inside the frame', hintFramePortrait: 'Turn the document upright and place it inside the frame', hintHold: 'Hold still…', hintBlur: 'Too blurry — hold steady', hintDark: 'Too dark — find more light', hintGlare: 'Too bright — avoid glare',
    reviewLead: 'Make sure all details are readable, with no glare or blur.',
    confirmTitle: 'Confirm your details', confirmLead: 'We read these from your document. Correct anything that is wrong.', confirm: 'Confirm',
    confirmNote: 'Your document is kept as it is: any correction is checked against it.',
    readingTitle: 'Reading your document', readingLead: 'One moment: we are reading the details on your document so you can check them.', reading: 'Reading…',
    readingSlow: 'This is taking longer than usual. You can keep waiting, or finish now: we will use what we read from your document.', finishWithoutChecking: 'Finish without checking',
    noCountries: 'No document country is accepted for this verification.', noBack: 'My document has no back side',
  },
  fields: {
    surname: 'Surname', givenNames: 'Given names', birthDate: 'Date of birth', documentNumber: 'Document number', expiryDate: 'Date of expiry',
    nationality: 'Nationality', sex: 'Sex', address: 'Address', sexUnknown: 'Not stated', sexF: 'Female (F)', sexM: 'Male (M)', sexX: 'Unspecified (X)',
  },
  stepNames: {
    intro: 'Introduction', document: 'Identity document', selfie: 'Selfie', liveness: 'Liveness check', selfie_with_document: 'Selfie with your document',
    questionnaire: 'Questions', email: 'Email address', phone: 'Phone number',
  },
  away: {
    title: 'Continue on your phone', lead: 'Finish the verification on your phone. This page updates as you go.', here: 'Continue on this device instead',
    progress: 'Your progress', done: 'done', todo: 'to do',
  },
  selfie: {
    title: 'Take a selfie', lead: 'Look straight at the camera, remove glasses and hats, and make sure your face is well lit.',
    hintFace: 'Position your face in the oval', hintHold: 'Hold still…', hintMany: 'Only one face should be visible', hintNoFace: 'We cannot see your face',
    noFace: 'Face could not be detected. Please upload a clear image of your face.', continueAnyway: 'Continue anyway',
    reviewLead: 'Make sure your whole face is visible, sharp and well lit.',
  },
  swd: { title: 'Selfie with your document', lead: 'Hold your document next to your face. Both your face and the document must be clearly visible.' },
  liveness: {
    title: 'Liveness check', lead: 'Follow the instructions on screen. This shows that you are a real person, present now.', start: 'Start',
    tipLight: 'Face a light source; remove glasses, hats and masks', tipOval: 'Keep your face inside the oval', tipFollow: 'Do each movement when asked: the check moves on by itself', loadingModel: 'Preparing the camera check…', done: 'Done', notConfirmed: 'Moving on', sending: 'Sending…',
    actions: {
      turn_left: 'Turn your head to the left', turn_right: 'Turn your head to the right', look_up: 'Look up', look_down: 'Look down',
      blink: 'Blink your eyes', smile: 'Smile', open_mouth: 'Open your mouth', nod: 'Nod your head', look_straight: 'Look straight at the camera',
      other: 'Follow the instruction: {{action}}',
    },
  },
  questionnaire: { title: 'A few questions' },
  otp: {
    emailTitle: 'Verify your email', phoneTitle: 'Verify your phone number', emailLead: 'We will send a code to this address.', phoneLead: 'We will send a code to this number by text message. Include the country code.', emailLabel: 'Email address', phoneLabel: 'Phone number',
    send: 'Send code', codeLabel: 'Verification code', codeLead: 'Enter the code we sent to {{to}}.', verify: 'Verify', resend: 'Send a new code',
    resendIn: 'New code in {{s}} s',
    knownEmailLead: 'We will send a one-time code to your email address:', knownPhoneLead: 'We will send a one-time code by text message to your phone number:',
    otherEmail: 'Use another email address', otherPhone: 'Use another phone number', sendToKnown: 'Send the code to {{to}} instead',
  },
  done: { title: 'Thank you', lead: 'Your information has been submitted. We will let you know the result.', redirecting: 'Taking you back…', close: 'You can close this page.', returnNow: 'Return now' },
  camera: {
    denied: 'Camera access was denied. You can allow it in your browser settings, or upload a photo instead.',
    unavailable: 'No camera is available on this device. Upload a photo instead.', deniedNoUpload: 'Camera access was denied. Allow it in your browser settings, then reload this page.', starting: 'Starting camera…', uploadPhoto: 'Upload a photo', retry: 'Try the camera again',
  },
  errors: {
    title: 'Something went wrong', uploadFailed: 'The upload failed. Your photo is kept — try again.', network: 'The connection failed. Check your internet and try again.',
    session_expired: 'This verification link has expired. Please ask for a new link.', handoff_invalid: 'This link to continue on your phone is invalid, expired or already used. Create a new one on your computer.',
    invalid_token: 'This verification link is not valid or has expired. Please ask for a new link.',
    attempts_exhausted: 'You have used all attempts for this step. We will contact you about what happens next.',
    country_not_allowed: 'Verification is not available in your country, or documents from this country are not accepted.',
    noToken: 'Open this page from the link you received to start your verification.',
    generic: 'Please try again.', retryStep: 'We need you to do this step again.', session_frozen: 'This verification was paused after too many failed attempts. Contact the company that sent you here.', verification_finished: 'This verification is already finished.', otp_invalid: 'This code is not correct. Check it and try again.', too_large: 'This file is too large. Use a smaller photo.', unsupported_type: 'This file type is not supported. Use a JPEG, PNG or WebP photo.', corrupt_image: 'This image is damaged. Take or choose another photo.', invalid_email: 'This email address is not valid.', target_required: 'Enter where we should send the code.', phone_country_not_allowed: 'Phone numbers from this country are not accepted here.', invalid_code: 'This code is invalid, expired or already used.',
    unsupportedStep: 'This step cannot be completed in this browser.',
    embedding_not_allowed: 'This verification cannot be opened inside this website.',
    code: 'Error code: {{code}}',
  },
};
export default en;
export type Messages = typeof en;
