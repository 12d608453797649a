import { defineEntity, idField, modifiedField } from './define.js';

const addr = 'When mobile equipment, the address to use';
const addrMandatory = 'When mobile equipment, the address to use and this field is mandatory';
/** The address fields a job must have when its project is a mobile installation. */
export const mobileAddressFields = ['db_address_street', 'db_address_city', 'db_address_zip'] as const;

export const jobs = defineEntity({
  name: 'jobs',
  route: 'Jobs',
  description: 'A job (work order) to be done by technicians on a project',
  erpKey: 'reference_back_office',
  erpKeyFallback: 'id2',
  fields: {
    id: idField,
    _parent_id: {
      type: 'uuid',
      description: 'Reference to a parent job (in case of Multi Job)',
      ref: {
        entity: 'jobs',
        embed: {
          field: '_parent_job',
          description: 'Embedded entity "job" for parent (multi job level) when adding/updating job',
        },
        key: {
          field: '_parent_jobs_reference_back_office',
          description:
            'Embedded entity "job" for parent (multi job level) using ERP PK when adding/updating job',
        },
      },
    },
    project_id: {
      type: 'uuid',
      description: 'Foreign key of project for this job',
      ref: {
        entity: 'project',
        key: {
          field: 'project_reference_back_office',
          description: 'Embedded entity "project" using ERP PK when adding/updating job',
        },
        embed: { field: 'project', description: 'Embedded entity "project" when adding/updating job' },
        optionallyRequired: true,
      },
    },
    job_type_id: {
      type: 'uuid',
      description: 'Foreign key of job type for this job',
      ref: {
        entity: 'job_type',
        key: {
          field: 'job_type_code',
          description: 'Embedded entity "job_type" using ERP PK when adding/updating job',
        },
        embed: { field: 'job_type', description: 'Embedded entity "job_type" when adding/updating job' },
        optionallyRequired: true,
      },
    },
    job_priority_id: {
      type: 'uuid',
      description: 'Foreign key of job priority for this job',
      ref: {
        entity: 'job_priority',
        key: {
          field: 'job_priority_code',
          description:
            "Foreign key of job status for this job. If you don't know the GUID, use job_type_code",
        },
        embed: {
          field: 'job_priority',
          description: 'Embedded entity "job_priority" when adding/updating job',
        },
      },
    },
    job_status_id: {
      type: 'uuid',
      description: 'Foreign key of job status for this job',
      ref: {
        entity: 'job_status',
        key: {
          field: 'job_status_code',
          description:
            'Foreign key of job status using code. Use "Canceled,ToBePlanned, Waiting, Pooling, Suggested, Activated or Open" If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added',
          example: 'Open',
          // The statuses a job may start with; later changes move it through the workflow.
          enum: {
            values: ['Canceled', 'ToBePlanned', 'Waiting', 'Pooling', 'Suggested', 'Activated', 'Open'],
            onCreateOnly: true,
          },
        },
        optionallyRequired: true,
      },
    },
    db_address_id: {
      type: 'uuid',
      description:
        'Foreign key of db_address if job is not on a mobile equipment.Must be the address_id of the location or the equipment',
      ref: { entity: 'db_address' },
    },
    contact_id: {
      type: 'uuid',
      description:
        'Foreign key of contact if the main contact of the job is different than the one of the project',
      ref: { entity: 'contact' },
    },
    requested_by_company_id: {
      type: 'uuid',
      description: 'Foreign key of company if a specific company makes the request for this job',
      ref: { entity: 'company' },
    },
    requested_by_contact_id: {
      type: 'uuid',
      description:
        'Foreign key of contact to specify why contact of the requested_company_id makes the request',
      ref: { entity: 'contact' },
    },
    reference_back_office: {
      type: 'string',
      description: 'The Id/Ref of the back office for this job. Used by Embedded entity',
      maxLength: 50,
    },
    name: { type: 'string', description: 'Name of the Job', required: true, maxLength: 255 },
    description: { type: 'string', description: 'Description of the job', maxLength: 4000 },
    working_sequence: {
      type: 'integer',
      description: 'In case of mutli job, they will be ordered by this sequence',
      minimum: 0,
    },
    internal_memo: {
      type: 'string',
      maxLength: 4000,
      description: 'Internal field for communication between BackOffice/Planners/Technicians',
    },
    prejob_information: {
      type: 'string',
      maxLength: 4000,
      description: 'Information usefull for the technician before start (Call the customer,...)',
    },
    estimated_time: {
      type: 'integer',
      description: 'Estimation of the time needed (in minute). Will be used for planning and statistic',
      minimum: 0,
    },
    earliest_date_plannable: {
      type: 'datetime',
      description: 'Use this field if there is a minimum date for the planning (Not Before)',
    },
    due_date: { type: 'datetime', description: 'Deadline of Max date for the planning (Not After)' },
    date_create: { type: 'datetime', description: 'Creation date+time', system: 'created' },
    date_update: { type: 'datetime', description: 'Update date+time', system: 'updated' },
    date_closed: { type: 'datetime', description: 'Date+time job goes to completed' },
    suggested_user_id: {
      type: 'uuid',
      description:
        'Foreign key of user if there is a suggested user (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added',
      ref: {
        entity: 'user',
        key: {
          field: 'suggested_user_code',
          description: 'Embedded entity "suggested user" using ERP PK when adding/updating job',
        },
        embed: {
          field: 'suggested_user',
          description: 'Embedded entity "sugessted user" when adding/updating job',
        },
      },
    },
    suggested_date_start: {
      type: 'datetime',
      description:
        'Suggested date+time start (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added',
    },
    skill_id: {
      type: 'uuid',
      description: 'Foreign key of skill if the job requires a specific skill (used for planning)',
      ref: {
        entity: 'skill',
        key: {
          field: 'skill_code',
          description: 'Embedded entity "skill" using ERP PK when adding/updating job',
        },
        embed: { field: 'skill', description: 'Embedded entity "skill" when adding/updating job' },
      },
    },
    customer_reference: {
      type: 'string',
      description: 'Reference of this job for the customer',
      maxLength: 50,
    },
    approval_responsible_user_id: {
      type: 'uuid',
      description: 'In case of multi user job, foreign key of user that is the "WO Leader"',
      ref: { entity: 'user' },
    },
    date_reported_by_company: {
      type: 'datetime',
      description: 'Date+time when company reported the problem',
    },
    id2: {
      type: 'integer',
      description: 'Internal ID (numeric). Will be used if reference_back_office is empty',
      system: 'autoNumber',
    },
    company_id: {
      type: 'uuid',
      description: 'This field will be filled automatically based on the project_id',
      ref: { entity: 'company' },
    },
    company_code: {
      type: 'string',
      description: 'This field will be filled automatically based on the project_id',
      maxLength: 50,
    },
    db_address_name: { type: 'string', description: addr, maxLength: 100 },
    db_address_street: { type: 'string', description: addrMandatory, maxLength: 50 },
    db_address_street2: { type: 'string', description: 'It is sub street', maxLength: 50 },
    db_address_street_number: { type: 'string', description: addr, maxLength: 50 },
    db_address_city: { type: 'string', description: addrMandatory, maxLength: 50 },
    db_address_zip: { type: 'string', description: addrMandatory, maxLength: 50 },
    db_address_db_country_id: {
      type: 'uuid',
      description: addr,
      ref: { entity: 'db_country', key: { field: 'db_address_db_country_code', description: addr } },
    },
    db_address_phone: { type: 'string', description: addr, maxLength: 50 },
    db_address_email: { type: 'string', description: addr, maxLength: 250 },
    db_address_latitude_decimal: { type: 'decimal', description: 'Latitude' },
    db_address_longitude_decimal: { type: 'decimal', description: 'Latitude' },
    estimated_quantity_remark: {
      type: 'string',
      description: 'Description of the parts your technician should use or pick up',
      maxLength: 4000,
    },
    modified_dateutc: modifiedField,
  },
});
